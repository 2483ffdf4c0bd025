import json
import threading
import unittest
import urllib.request

from pricing.app import create_app


class PricingAppTest(unittest.TestCase):
    def setUp(self):
        self.logs = []
        self.app = create_app("test", log_write=self.logs.append)

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else b""
        status, _, payload = self.app.dispatch(method, path, headers or {}, data)
        return status, json.loads(payload)

    def test_health_and_readiness(self):
        self.assertEqual(self.call("GET", "/healthz")[0], 200)
        self.assertEqual(self.call("GET", "/readyz")[0], 200)

    def test_quotes_cart_lines(self):
        status, body = self.call("POST", "/quote", {"lines": [{"productId": "p-1", "unitPrice": 24.5, "quantity": 3}]})
        self.assertEqual(status, 200)
        self.assertEqual(body["lines"][0]["discount"], 3.68)
        self.assertEqual(body["total"], 69.82)

    def test_bad_requests_get_4xx(self):
        self.assertEqual(self.call("POST", "/quote", {"lines": "p-1"})[0], 400)
        self.assertEqual(self.call("POST", "/quote", [1])[0], 400)
        self.assertEqual(self.call("GET", "/coupons/NOPE")[0], 404)
        self.assertEqual(self.call("DELETE", "/quote")[0], 405)
        status, _, _ = self.app.dispatch("POST", "/quote", {}, b"{not json")
        self.assertEqual(status, 400)

    def test_metrics_count_requests(self):
        self.call("GET", "/coupons/WELCOME10")
        status, _, text = self.app.dispatch("GET", "/metrics")
        self.assertEqual(status, 200)
        text = text.decode()
        self.assertIn('http_requests_total{method="GET",route="/coupons/:code",status="200"} 1', text)
        self.assertIn('http_request_duration_seconds_bucket{method="GET",route="/coupons/:code",status="200",le="+Inf"} 1', text)

    def test_serves_over_http(self):
        server = self.app.make_server("127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = "http://127.0.0.1:%d/coupons/COFFEE5" % server.server_address[1]
            with urllib.request.urlopen(url, timeout=10) as res:
                self.assertEqual(json.loads(res.read()), {"code": "COFFEE5", "rate": 0.05})
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    unittest.main()
