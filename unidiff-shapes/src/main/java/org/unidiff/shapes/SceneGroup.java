package org.unidiff.shapes;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Images generated together: 2 to 4 scenes sharing one {@link Style}, pairwise different in shape or position.
 *
 * @param style the shared background, colour and size
 * @param members the scenes, in slot order
 */
public record SceneGroup(Style style, List<Scene> members) {

    /** Fewest images in a group. */
    public static final int MIN_SIZE = 2;

    /** Most images in a group. */
    public static final int MAX_SIZE = 4;

    /** Checks the group invariants: size 2..4, every member has the style, no two share shape and position. */
    public SceneGroup {
        Objects.requireNonNull(style, "style");
        members = List.copyOf(members);
        if (members.size() < MIN_SIZE || members.size() > MAX_SIZE) {
            throw new IllegalArgumentException("a group has " + MIN_SIZE + " to " + MAX_SIZE + " images, got "
                    + members.size());
        }
        Set<String> layouts = new HashSet<>();
        for (Scene member : members) {
            if (!Style.of(member).equals(style)) {
                throw new IllegalArgumentException("member " + SceneAttributes.of(member) + " does not have the group style "
                        + style);
            }
            if (!layouts.add(member.shape() + "@" + member.position())) {
                throw new IllegalArgumentException("two members share shape " + member.shape() + " and position "
                        + member.position() + "; group members must differ in shape or position");
            }
        }
    }
}
