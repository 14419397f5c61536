package dev.plasticity.registry.server;

import io.javalin.security.RouteRole;

/**
 * What a registry token may do; each role includes the ones before it. The route table in
 * {@link RegistryHttp} names the role every route needs.
 */
public enum Role implements RouteRole {
  /** Read models, versions, artifacts, aliases and the history. */
  READ,
  /** Also register models, definitions and versions, and report a version unservable (the trainer, inference). */
  WRITE,
  /** Also promote, roll back, move or remove aliases and archive versions (operators). */
  ADMIN;

  /** Whether a holder of this role may do what {@code needed} allows. */
  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role named {@code text}, in any case. */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.name().equalsIgnoreCase(text.trim())) {
        return role;
      }
    }
    throw new IllegalArgumentException("a role is read, write or admin, got '" + text + "'");
  }
}
