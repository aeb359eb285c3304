package health.portal.deploy.zones;

import java.util.List;
import java.util.Map;

/**
 * A pod as a NetworkPolicy sees it: where it is, its labels, an address, and the ports it listens on.
 *
 * @param name display name in the zone matrix (the workload's)
 */
public record Pod(String name, String namespace, Map<String, String> labels, String ip, List<Port> ports) {

    public record Port(String name, int number, String protocol) {

        public static Port tcp(int number) {
            return new Port(null, number, "TCP");
        }

        public static Port tcp(String name, int number) {
            return new Port(name, number, "TCP");
        }
    }

    public Pod {
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
    }
}
