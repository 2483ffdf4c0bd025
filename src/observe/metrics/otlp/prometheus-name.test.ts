import { describe, expect, it } from "vitest";
import { prometheusLabelName, prometheusMetricName } from "./prometheus-name.js";

describe("prometheusMetricName", () => {
  it("names metrics as Prometheus' OTLP receiver does", () => {
    expect(prometheusMetricName("http.server.request.duration", "s", "histogram")).toBe(
      "http_server_request_duration_seconds",
    );
    expect(prometheusMetricName("http.server.requests", "{request}", "counter")).toBe("http_server_requests_total");
    expect(prometheusMetricName("process.memory.usage", "By", "gauge")).toBe("process_memory_usage_bytes");
    expect(prometheusMetricName("system.cpu.utilization", "1", "gauge")).toBe("system_cpu_utilization_ratio");
    expect(prometheusMetricName("throughput", "By/s", "gauge")).toBe("throughput_bytes_per_second");
    expect(prometheusMetricName("speed", "m/h", "gauge")).toBe("speed_meters_per_hour");
    expect(prometheusMetricName("2xx.responses", "", "counter")).toBe("_2xx_responses_total");
  });

  it("does not repeat a unit or _total the name already has", () => {
    expect(prometheusMetricName("request_duration_seconds", "s", "histogram")).toBe("request_duration_seconds");
    expect(prometheusMetricName("cpu_seconds_total", "s", "counter")).toBe("cpu_seconds_total");
    expect(prometheusMetricName("requests.total.count", "", "counter")).toBe("requests_count_total");
    expect(prometheusMetricName("load_ratio", "1", "gauge")).toBe("load_ratio");
  });

  it("keeps an unknown unit as words", () => {
    expect(prometheusMetricName("queue.size", "messages", "gauge")).toBe("queue_size_messages");
  });
});

describe("prometheusLabelName", () => {
  it("replaces characters Prometheus refuses and prefixes a leading digit", () => {
    expect(prometheusLabelName("http.route")).toBe("http_route");
    expect(prometheusLabelName("k8s-pod.name")).toBe("k8s_pod_name");
    expect(prometheusLabelName("0day")).toBe("key_0day");
  });
});
