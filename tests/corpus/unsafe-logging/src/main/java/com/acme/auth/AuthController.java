package com.acme.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/auth")
public class AuthController {
    private static final Logger log = LoggerFactory.getLogger(AuthController.class);

    @PostMapping("/login")
    public TokenResponse login(@RequestBody LoginRequest req, @RequestHeader HttpHeaders headers) {
        log.info("Login attempt user={} password={}", req.getUsername(), req.getPassword());
        log.debug("Incoming headers: {}", headers);
        log.debug("Content-Type: {}", headers.getContentType());
        String token = tokens.issue(req.getUsername());
        log.info("Issued token for {}", req.getUsername());
        log.debug("token={}", token);
        log.info("password present: {}", req.getPassword() != null);
        System.out.println("Authorization: " + headers.getFirst("Authorization"));
        return new TokenResponse(token);
    }

    @GetMapping("/env")
    public String env() {
        log.info("Environment: {}", System.getenv());
        log.info("Profile: {}", System.getenv("SPRING_PROFILES_ACTIVE"));
        return "ok";
    }

    private final TokenService tokens = new TokenService();
}
