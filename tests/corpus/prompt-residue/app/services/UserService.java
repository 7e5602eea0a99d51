package com.acme.app.services;

import java.util.List;
import java.util.Optional;

/**
 * Looks up and updates users.
 *
 * <pre>
 * ```java
 * UserService svc = new UserService(repo);
 * ```
 * </pre>
 */
public class UserService {
    private final UserRepository repo;

    public UserService(UserRepository repo) {
        this.repo = repo;
    }

    public Optional<User> find(long id) {
        return repo.findById(id);
    }

    public List<User> search(String q, String... fields) {
        // Add your code here
        return List.of();
    }

    public void deactivate(long id) {
        // TODO: add error handling as needed
        repo.findById(id).ifPresent(u -> repo.save(u.withActive(false)));
    }

    public void rename(long id, String name) {
        // TODO: add error handling for the missing-user case
        repo.findById(id).ifPresent(u -> repo.save(u.withName(name)));
    }
}

**Explanation:**
