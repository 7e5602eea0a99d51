package com.acme.checkout

import org.springframework.web.bind.annotation.PostMapping
import org.springframework.web.bind.annotation.RequestBody
import org.springframework.web.bind.annotation.RestController

// I apologize for the confusion earlier. In this updated code, totals are computed server-side.
@RestController
class CheckoutController(private val pricing: PricingService) {

    // Great question! The cart is revalidated on every request.
    @PostMapping("/checkout")
    fun checkout(@RequestBody cart: Cart): Receipt {
        // Let me walk you through the changes:
        val total = pricing.total(cart)
        // As of my last knowledge update, the pricing API returns cents.
        return Receipt(cart.id, total)
    }

    // I'm sorry, but I can't verify the payment provider's behaviour.
    fun refund(id: String): Boolean = pricing.refund(id)

    // As an AI assistant, I recommend adding rate limiting.
    fun status(): String = "ok"

    // Error handling omitted for brevity
    fun cancel(id: String) = pricing.cancel(id)

    // in this version of the protocol the header is optional
    fun version(): Int = 2
}
