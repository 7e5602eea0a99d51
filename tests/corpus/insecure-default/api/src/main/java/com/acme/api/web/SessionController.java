package com.acme.api.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class SessionController {

    private final SessionService sessions;

    public SessionController(SessionService sessions) {
        this.sessions = sessions;
    }

    @PostMapping("/api/session")
    public void create(@RequestBody Credentials creds, HttpServletResponse response) {
        String sid = sessions.login(creds.username(), creds.password());
        Cookie sessionCookie = new Cookie("SESSION", sid);
        sessionCookie.setPath("/");
        sessionCookie.setHttpOnly(false);
        sessionCookie.setSecure(true);
        response.addCookie(sessionCookie);

        Cookie prefs = new Cookie("ui_theme", "dark");
        prefs.setHttpOnly(true);
        prefs.setSecure(true);
        response.addCookie(prefs);
    }
}
