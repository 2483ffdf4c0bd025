import unittest

from pricing import quotes


class QuoteTest(unittest.TestCase):
    def test_prices_a_line_without_volume_discount(self):
        line = quotes.price_line("p-1", 24.5, 2)
        self.assertEqual(line, {"productId": "p-1", "quantity": 2, "gross": 49.0, "discount": 0.0, "net": 49.0, "unitSavings": 0.0})

    def test_applies_volume_tiers(self):
        self.assertEqual(quotes.price_line("p-6", 5.5, 4)["discount"], 1.1)
        self.assertEqual(quotes.price_line("p-6", 5.0, 10)["unitSavings"], 0.5)

    def test_quotes_a_cart_with_a_coupon(self):
        result = quotes.quote([("p-1", 24.5, 2), ("p-6", 5.5, 1)], "WELCOME10")
        self.assertEqual(result["subtotal"], 54.5)
        self.assertEqual(result["couponDiscount"], 5.45)
        self.assertEqual(result["total"], 49.05)

    def test_rejects_bad_lines_and_coupons(self):
        with self.assertRaises(quotes.QuoteError):
            quotes.parse_lines([{"productId": "p-1", "unitPrice": "cheap", "quantity": 1}])
        with self.assertRaises(quotes.QuoteError):
            quotes.parse_lines([{"productId": "p-1", "unitPrice": 1, "quantity": -1}])
        with self.assertRaises(quotes.QuoteError):
            quotes.quote([("p-1", 1.0, 1)], "FREE")


if __name__ == "__main__":
    unittest.main()
