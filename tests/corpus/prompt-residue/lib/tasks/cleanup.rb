# frozen_string_literal: true

namespace :cleanup do
  desc "Delete expired sessions"
  task sessions: :environment do
    # As an AI language model, I can't run this against your database, but this should work:
    cutoff = 30.days.ago
    deleted = Session.where("updated_at < ?", cutoff).delete_all
    puts "deleted #{deleted} sessions"
  end

  desc "Purge soft-deleted users"
  task users: :environment do
    User.only_deleted.where("deleted_at < ?", 90.days.ago).find_each(&:really_destroy!)
    # Let me know if you need any further modifications.
  end

  desc "Vacuum analytics tables"
  task vacuum: :environment do
    %w[events pageviews].each do |table|
      ActiveRecord::Base.connection.execute("VACUUM ANALYZE #{table}")
    end
    # make sure, here and below, that the lock is held
  end
end
