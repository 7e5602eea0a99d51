package com.acme.auth;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TokenServiceTest {
    private final TokenService svc = new TokenService();

    @Test
    void issuesDistinctTokens() {
        String a = svc.issue("alice");
        String b = svc.issue("alice");
        assertNotEquals(a, b);
        System.out.println("token length " + a.length());
    }

    @Test
    void rejectsEmptyUser() {
        assertThrows(IllegalArgumentException.class, () -> svc.issue(""));
        System.out.println("Enter password:");
    }

    @Test
    void printsForDebugging() {
        String token = svc.issue("bob");
        System.out.println("debug token: " + token);
    }
}
