package org.unidiff.sampling.plan;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One transformer pass of a task: the {@link Role} of every (slot, stream). Immutable; the
 * {@code with...} methods return modified copies, which is how unconditional passes are written
 * as overrides of the conditional one.
 */
public final class Pass {

    private final String name;
    private final Role[][] roles;

    private Pass(String name, Role[][] roles) {
        this.name = name;
        this.roles = roles;
    }

    /**
     * A pass of {@code groupSize} slots that all have the same image and text roles.
     *
     * @throws IllegalArgumentException if {@code groupSize < 1} or the name is blank
     */
    public static Pass uniform(String name, int groupSize, Role image, Role text) {
        checkGroupSize(groupSize);
        Role[][] roles = new Role[groupSize][];
        for (int g = 0; g < groupSize; g++) {
            roles[g] = new Role[] {Objects.requireNonNull(image, "image role"), Objects.requireNonNull(text, "text role")};
        }
        return new Pass(checkName(name), roles);
    }

    /**
     * A pass with explicit roles; {@code imageRoles[g]} and {@code textRoles[g]} are slot g's.
     *
     * @throws IllegalArgumentException if the arrays are empty, differ in length or hold null
     */
    public static Pass of(String name, Role[] imageRoles, Role[] textRoles) {
        if (imageRoles.length != textRoles.length) {
            throw new IllegalArgumentException("pass '" + name + "' has " + imageRoles.length + " image roles but "
                    + textRoles.length + " text roles; expected one of each per slot");
        }
        checkGroupSize(imageRoles.length);
        Role[][] roles = new Role[imageRoles.length][];
        for (int g = 0; g < roles.length; g++) {
            if (imageRoles[g] == null || textRoles[g] == null) {
                throw new IllegalArgumentException("pass '" + name + "' has no role for slot " + g);
            }
            roles[g] = new Role[] {imageRoles[g], textRoles[g]};
        }
        return new Pass(checkName(name), roles);
    }

    private static void checkGroupSize(int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be >= 1, got " + groupSize);
        }
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a pass needs a non-blank name");
        }
        return name;
    }

    /** A short name for logs, e.g. "conditional" or "text marginalized". */
    public String name() {
        return name;
    }

    /** Number of slots. */
    public int groupSize() {
        return roles.length;
    }

    /** The role of a (slot, stream). */
    public Role role(int slot, Stream stream) {
        Objects.checkIndex(slot, roles.length);
        return roles[slot][stream.ordinal()];
    }

    /** A copy named {@code newName} where every slot's {@code stream} role is replaced by {@code change(role)}. */
    public Pass with(String newName, Stream stream, UnaryOperator<Role> change) {
        Role[][] copy = copyRoles();
        for (Role[] slot : copy) {
            slot[stream.ordinal()] = Objects.requireNonNull(change.apply(slot[stream.ordinal()]), "changed role");
        }
        return new Pass(checkName(newName), copy);
    }

    /** A copy named {@code newName} with one (slot, stream) set to {@code role}. */
    public Pass with(String newName, int slot, Stream stream, Role role) {
        Objects.checkIndex(slot, roles.length);
        Role[][] copy = copyRoles();
        copy[slot][stream.ordinal()] = Objects.requireNonNull(role, "role");
        return new Pass(checkName(newName), copy);
    }

    private Role[][] copyRoles() {
        Role[][] copy = new Role[roles.length][];
        for (int g = 0; g < roles.length; g++) {
            copy[g] = roles[g].clone();
        }
        return copy;
    }

    /** Whether any slot has {@code role} on {@code stream}. */
    public boolean uses(Stream stream, Role role) {
        for (Role[] slot : roles) {
            if (slot[stream.ordinal()] == role) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pass other && name.equals(other.name) && Arrays.deepEquals(roles, other.roles);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.deepHashCode(roles);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" [");
        for (int g = 0; g < roles.length; g++) {
            if (g > 0) {
                sb.append("; ");
            }
            sb.append("slot ").append(g).append(": image ").append(roles[g][0]).append(", text ").append(roles[g][1]);
        }
        return sb.append(']').toString();
    }
}
