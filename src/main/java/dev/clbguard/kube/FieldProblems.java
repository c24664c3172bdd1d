package dev.clbguard.kube;

import java.util.Collection;

import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A Kubernetes object that does not fit its schema, in a manifest author's words: where (the field path,
 * "spec.ports[0].port") and what the field must be ("a list"), instead of the Java types Jackson failed to fill.
 * Shared by the webhook's and the offline validator's messages.
 */
public final class FieldProblems {

    private FieldProblems() {
    }

    /** The field path of the failure, or "" when it is the object itself. */
    public static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The JSON pointer of the failure ("/spec/ports/0"), to find where it is in the text. */
    public static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('/').append(LocatedDocuments.segment(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                sb.append('/').append(r.getIndex());
            }
        }
        return sb.toString();
    }

    /** What a model field expects. */
    public static String shape(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a mapping";
    }
}
