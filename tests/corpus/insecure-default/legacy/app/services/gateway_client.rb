require "digest"
require "faraday"
require "net/http"
require "openssl"

module Legacy
  class GatewayClient
    GATEWAY = URI("https://gateway.partner.example.net/api")

    def initialize(user, password)
      @user = user
      @password_digest = Digest::MD5.hexdigest(password)
    end

    def post_settlement(payload)
      http = Net::HTTP.new(GATEWAY.host, GATEWAY.port)
      http.use_ssl = true
      http.verify_mode = OpenSSL::SSL::VERIFY_NONE
      req = Net::HTTP::Post.new(GATEWAY.path, "Content-Type" => "application/json")
      req.basic_auth(@user, @password_digest)
      req.body = payload.to_json
      http.request(req)
    end

    def status
      conn = Faraday.new(url: GATEWAY.to_s, ssl: { verify: false }) do |f|
        f.response :json
      end
      conn.get("status").body
    end

    def reports
      # ssl: { verify: true } is the default; keep it that way
      conn = Faraday.new(url: GATEWAY.to_s, ssl: { ca_file: "/etc/ssl/partner-ca.pem" })
      conn.get("reports").body
    end
  end
end
