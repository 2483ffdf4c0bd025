/**
 * The subset of the OpenTelemetry protocol's protobuf messages pitcrew reads (traces, logs and
 * metrics export requests) and writes (their export responses), as a protobufjs JSON descriptor.
 * Field numbers and types follow opentelemetry-proto (github.com/open-telemetry/opentelemetry-proto,
 * `opentelemetry/proto/{common,resource,trace,logs,metrics}/v1/*.proto` and
 * `collector/{trace,logs,metrics}/v1/*_service.proto`), Copyright The OpenTelemetry Authors,
 * licensed under the Apache License 2.0. Fields pitcrew does not read (links, exemplars, dropped
 * counts, schema URLs, min/max) are left out: protobuf decoding skips them.
 */

const repeated = (type: string, id: number) => ({ rule: "repeated", type, id });
const field = (type: string, id: number) => ({ type, id });

/** The descriptor, for `protobuf.Root.fromJSON`. */
export const OTLP_DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"],
            },
          },
          fields: {
            stringValue: field("string", 1),
            boolValue: field("bool", 2),
            intValue: field("int64", 3),
            doubleValue: field("double", 4),
            arrayValue: field("ArrayValue", 5),
            kvlistValue: field("KeyValueList", 6),
            bytesValue: field("bytes", 7),
          },
        },
        ArrayValue: { fields: { values: repeated("AnyValue", 1) } },
        KeyValueList: { fields: { values: repeated("KeyValue", 1) } },
        KeyValue: { fields: { key: field("string", 1), value: field("AnyValue", 2) } },
        InstrumentationScope: {
          fields: { name: field("string", 1), version: field("string", 2), attributes: repeated("KeyValue", 3) },
        },
        Resource: { fields: { attributes: repeated("KeyValue", 1) } },
        Status: { fields: { message: field("string", 2), code: field("int32", 3) } },
        Event: {
          fields: { timeUnixNano: field("fixed64", 1), name: field("string", 2), attributes: repeated("KeyValue", 3) },
        },
        Span: {
          fields: {
            traceId: field("bytes", 1),
            spanId: field("bytes", 2),
            traceState: field("string", 3),
            parentSpanId: field("bytes", 4),
            name: field("string", 5),
            kind: field("int32", 6),
            startTimeUnixNano: field("fixed64", 7),
            endTimeUnixNano: field("fixed64", 8),
            attributes: repeated("KeyValue", 9),
            events: repeated("Event", 11),
            status: field("Status", 15),
          },
        },
        ScopeSpans: { fields: { scope: field("InstrumentationScope", 1), spans: repeated("Span", 2) } },
        ResourceSpans: { fields: { resource: field("Resource", 1), scopeSpans: repeated("ScopeSpans", 2) } },
        ExportTraceServiceRequest: { fields: { resourceSpans: repeated("ResourceSpans", 1) } },
        LogRecord: {
          fields: {
            timeUnixNano: field("fixed64", 1),
            severityNumber: field("int32", 2),
            severityText: field("string", 3),
            body: field("AnyValue", 5),
            attributes: repeated("KeyValue", 6),
            traceId: field("bytes", 9),
            spanId: field("bytes", 10),
            observedTimeUnixNano: field("fixed64", 11),
            eventName: field("string", 12),
          },
        },
        ScopeLogs: { fields: { scope: field("InstrumentationScope", 1), logRecords: repeated("LogRecord", 2) } },
        ResourceLogs: { fields: { resource: field("Resource", 1), scopeLogs: repeated("ScopeLogs", 2) } },
        ExportLogsServiceRequest: { fields: { resourceLogs: repeated("ResourceLogs", 1) } },
        NumberDataPoint: {
          oneofs: { value: { oneof: ["asDouble", "asInt"] } },
          fields: {
            attributes: repeated("KeyValue", 7),
            startTimeUnixNano: field("fixed64", 2),
            timeUnixNano: field("fixed64", 3),
            asDouble: field("double", 4),
            asInt: field("sfixed64", 6),
            flags: field("uint32", 8),
          },
        },
        HistogramDataPoint: {
          fields: {
            attributes: repeated("KeyValue", 9),
            startTimeUnixNano: field("fixed64", 2),
            timeUnixNano: field("fixed64", 3),
            count: field("fixed64", 4),
            sum: field("double", 5),
            bucketCounts: repeated("fixed64", 6),
            explicitBounds: repeated("double", 7),
            flags: field("uint32", 10),
          },
        },
        Buckets: { fields: { offset: field("sint32", 1), bucketCounts: repeated("uint64", 2) } },
        ExponentialHistogramDataPoint: {
          fields: {
            attributes: repeated("KeyValue", 1),
            startTimeUnixNano: field("fixed64", 2),
            timeUnixNano: field("fixed64", 3),
            count: field("fixed64", 4),
            sum: field("double", 5),
            scale: field("sint32", 6),
            zeroCount: field("fixed64", 7),
            positive: field("Buckets", 8),
            negative: field("Buckets", 9),
            flags: field("uint32", 10),
          },
        },
        ValueAtQuantile: { fields: { quantile: field("double", 1), value: field("double", 2) } },
        SummaryDataPoint: {
          fields: {
            attributes: repeated("KeyValue", 7),
            startTimeUnixNano: field("fixed64", 2),
            timeUnixNano: field("fixed64", 3),
            count: field("fixed64", 4),
            sum: field("double", 5),
            quantileValues: repeated("ValueAtQuantile", 6),
            flags: field("uint32", 8),
          },
        },
        Gauge: { fields: { dataPoints: repeated("NumberDataPoint", 1) } },
        Sum: {
          fields: {
            dataPoints: repeated("NumberDataPoint", 1),
            aggregationTemporality: field("int32", 2),
            isMonotonic: field("bool", 3),
          },
        },
        Histogram: {
          fields: { dataPoints: repeated("HistogramDataPoint", 1), aggregationTemporality: field("int32", 2) },
        },
        ExponentialHistogram: {
          fields: {
            dataPoints: repeated("ExponentialHistogramDataPoint", 1),
            aggregationTemporality: field("int32", 2),
          },
        },
        Summary: { fields: { dataPoints: repeated("SummaryDataPoint", 1) } },
        Metric: {
          oneofs: { data: { oneof: ["gauge", "sum", "histogram", "exponentialHistogram", "summary"] } },
          fields: {
            name: field("string", 1),
            description: field("string", 2),
            unit: field("string", 3),
            gauge: field("Gauge", 5),
            sum: field("Sum", 7),
            histogram: field("Histogram", 9),
            exponentialHistogram: field("ExponentialHistogram", 10),
            summary: field("Summary", 11),
          },
        },
        ScopeMetrics: { fields: { scope: field("InstrumentationScope", 1), metrics: repeated("Metric", 2) } },
        ResourceMetrics: { fields: { resource: field("Resource", 1), scopeMetrics: repeated("ScopeMetrics", 2) } },
        ExportMetricsServiceRequest: { fields: { resourceMetrics: repeated("ResourceMetrics", 1) } },
        ExportTracePartialSuccess: { fields: { rejectedSpans: field("int64", 1), errorMessage: field("string", 2) } },
        ExportTraceServiceResponse: { fields: { partialSuccess: field("ExportTracePartialSuccess", 1) } },
        ExportLogsPartialSuccess: {
          fields: { rejectedLogRecords: field("int64", 1), errorMessage: field("string", 2) },
        },
        ExportLogsServiceResponse: { fields: { partialSuccess: field("ExportLogsPartialSuccess", 1) } },
        ExportMetricsPartialSuccess: {
          fields: { rejectedDataPoints: field("int64", 1), errorMessage: field("string", 2) },
        },
        ExportMetricsServiceResponse: { fields: { partialSuccess: field("ExportMetricsPartialSuccess", 1) } },
      },
    },
  },
};
