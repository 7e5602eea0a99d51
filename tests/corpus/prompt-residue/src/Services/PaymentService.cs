using System;
using System.Threading.Tasks;
using Stripe;

namespace Acme.Payments.Services
{
    public class PaymentService
    {
        private readonly StripeClient _client;

        public PaymentService()
        {
            // Replace with your actual Stripe secret key
            _client = new StripeClient("sk_live_xxxxxxxxxxxxxxxx");
        }

        public async Task<string> ChargeAsync(long amountCents, string currency, string customerId)
        {
            var service = new PaymentIntentService(_client);
            var intent = await service.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = amountCents,
                Currency = currency,
                Customer = customerId,
            });
            return intent.Id;
        }

        public static bool IsTestKey(string key) => key.StartsWith("sk_test_");

        // I hope this helps!
    }
}
