using System;
using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Acme.Services
{
    public class AccountService
    {
        private readonly ILogger<AccountService> _logger;

        public AccountService(ILogger<AccountService> logger) => _logger = logger;

        public void SignIn(string user, string password, HttpContext context)
        {
            _logger.LogInformation("User {User} signing in with password {Password}", user, password);
            _logger.LogInformation("Password reset for {UserId}", user);
            _logger.LogDebug("Headers: {Headers}", context.Request.Headers);
            _logger.LogDebug("UA {Ua}", context.Request.Headers.UserAgent);
            var token = Guid.NewGuid().ToString("N");
            Console.WriteLine($"Session token: {token}");
            Console.WriteLine($"Token length {token.Length}");
            _logger.LogDebug("Has token: {HasToken}", !string.IsNullOrEmpty(token));
        }

        public void DumpEnvironment()
        {
            foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            {
                Console.WriteLine($"{e.Key}={e.Value}");
            }
            var env = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
            _logger.LogInformation("Environment {Env}", env);
        }
    }
}
