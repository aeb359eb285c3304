package health.portal.launcher;

import health.portal.infra.process.FreePorts;

/** The ports of one local stack: the fixed ones of docs/architecture.md, or free ones for tests. */
public record PortPlan(
        int gatewayHttps,
        int gatewayHttp,
        int gatewayManagement,
        int identity,
        int messaging,
        int billing,
        int recordsGrpc,
        int recordsManagement,
        int emrSandbox,
        int keycloak,
        int keycloakManagement,
        int kafka,
        int smtp) {

    public static PortPlan fixed() {
        return new PortPlan(8443, 8080, 8444, 8081, 8082, 8083, 9090, 8084, 8090, 8180, 8181, 9092, 3025);
    }

    public static PortPlan free() {
        return new PortPlan(
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find(),
                FreePorts.find());
    }
}
