require "stripe"
require "logger"

module StripeSync
  LOG = Logger.new($stdout)

  def self.configure
    Stripe.api_key = ENV.fetch("STRIPE_API_KEY")
    LOG.info("stripe configured")
    puts "API key: #{ENV["STRIPE_API_KEY"]}"
    puts "tokens: #{Stripe.api_key.size}"
  end

  def self.sync(customers)
    customers.each do |c|
      LOG.info("syncing #{c.id}")
      Stripe::Customer.update(c.stripe_id, email: c.email)
    end
    LOG.info("synced #{customers.size} customers")
  end

  def self.print_env
    ENV.each { |k, v| puts "#{k}=#{v}" }
  end
end
