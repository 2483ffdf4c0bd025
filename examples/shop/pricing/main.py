"""Entry point: serves pricing on $PORT ($HOST, default 127.0.0.1) as version $SERVICE_VERSION;
exports spans to $OTEL_EXPORTER_OTLP_ENDPOINT when set. SIGTERM drains and exits."""
import os
import signal
import threading

from pricing.app import create_app


def main():
    port = int(os.environ.get("PORT", "8083"))
    host = os.environ.get("HOST", "127.0.0.1")
    version = os.environ.get("SERVICE_VERSION", "dev")
    app = create_app(version, otlp_endpoint=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
    server = app.make_server(host, port)
    server.daemon_threads = True

    def stop(*_):
        app.logger.info("SIGTERM: draining")
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    app.logger.info("pricing %s listening on %s:%d" % (version, host, server.server_address[1]))
    server.serve_forever()
    server.server_close()
    app.tracer.shutdown()


if __name__ == "__main__":
    main()
