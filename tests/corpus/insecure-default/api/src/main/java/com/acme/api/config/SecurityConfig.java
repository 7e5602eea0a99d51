package com.acme.api.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseCookie;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration
public class SecurityConfig implements WebMvcConfigurer {

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/api/**")
                .allowedOriginPatterns("*")
                .allowedMethods("GET", "POST", "PUT", "DELETE")
                .allowCredentials(true);
        registry.addMapping("/public/**")
                .allowedOrigins("*")
                .allowedMethods("GET");
    }

    @Bean
    public PasswordEncoder passwordEncoder() {
        // TODO migrate stored hashes, see AUTH-88
        return NoOpPasswordEncoder.getInstance();
    }

    @Bean
    public ObjectMapper objectMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.enableDefaultTyping();
        return mapper;
    }

    public static ResponseCookie refreshCookie(String token) {
        return ResponseCookie.from("refresh_token", token)
                .path("/api/auth")
                .httpOnly(true)
                .secure(false)
                .maxAge(604800)
                .build();
    }
}
