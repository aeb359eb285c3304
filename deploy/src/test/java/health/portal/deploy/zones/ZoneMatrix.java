package health.portal.deploy.zones;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** Every allowed connection between the pods and to the endpoints outside the cluster, as "source -> target:port". */
public final class ZoneMatrix {

    /** An address outside the cluster, e.g. the EMR; its flows name it without the port, which differs per overlay. */
    public record External(String name, String ip, int port) {}

    private ZoneMatrix() {}

    /**
     * The cluster DNS is left out: every pod may resolve names, which a test of its own proves. Connections out of the
     * cluster are listed for the portal's namespaces only: the egress of the ingress controller's or Prometheus'
     * namespace is not the portal's to restrict (deploy/README.md: the EMR's own firewall).
     */
    public static SortedSet<String> flows(NetworkPolicyEvaluator evaluator, List<Pod> pods, List<External> externals) {
        SortedSet<String> flows = new TreeSet<>();
        for (Pod source : pods) {
            for (Pod destination : pods) {
                if (destination.name().equals("kube-dns")) {
                    continue;
                }
                for (Pod.Port port : destination.ports()) {
                    if (evaluator.allows(source, destination, port)) {
                        flows.add(flow(source.name(), destination.name(), port));
                    }
                }
            }
            for (External external : externals) {
                if (!source.namespace().startsWith("portal-")) {
                    continue;
                }
                if (evaluator.allowsExternal(source, external.ip(), Pod.Port.tcp(external.port()))) {
                    flows.add(source.name() + " -> " + external.name());
                }
            }
        }
        return flows;
    }

    static String flow(String source, String destination, Pod.Port port) {
        return source + " -> " + destination + ":" + port.number()
                + ("TCP".equals(port.protocol()) ? "" : "/" + port.protocol());
    }
}
