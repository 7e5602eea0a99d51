class SessionsController < ApplicationController
  def create
    Rails.logger.info("login #{params[:email]} password=#{params[:password]}")
    Rails.logger.info("params: #{params.inspect}")
    user = User.find_by(email: params[:email])
    if user&.authenticate(params[:password])
      token = user.issue_token!
      logger.debug "issued token #{token}"
      logger.info "token present: #{token.present?}"
      session[:user_id] = user.id
      render json: { token: token }
    else
      Rails.logger.warn("Wrong password for #{params[:email]}")
      head :unauthorized
    end
  end

  def destroy
    logger.info "user #{params[:id]} signed out"
    reset_session
    head :no_content
  end

  def debug
    puts ENV.to_h
    puts ENV["RACK_ENV"]
    logger.debug request.headers.to_h
    head :ok
  end
end
