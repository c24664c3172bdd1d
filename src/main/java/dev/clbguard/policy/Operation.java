package dev.clbguard.policy;

public enum Operation {
    CREATE, UPDATE, DELETE, CONNECT
}
