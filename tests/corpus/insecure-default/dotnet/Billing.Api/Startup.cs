using System.Net.Http;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using Newtonsoft.Json;

namespace Billing.Api;

public static class Startup
{
    public static void ConfigureServices(IServiceCollection services, IConfiguration config)
    {
        services.AddHttpClient("ledger")
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (message, cert, chain, errors) => true
            });

        services.AddHttpClient("tax")
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (message, cert, chain, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None || Pinning.Matches(cert)
            });

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.Authority = config["Auth:Authority"];
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = false,
                };
            });

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "billing.auth";
            options.Cookie.HttpOnly = false;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });

        services.AddControllers().AddNewtonsoftJson(o =>
        {
            o.SerializerSettings.TypeNameHandling = TypeNameHandling.Auto;
        });
    }
}
