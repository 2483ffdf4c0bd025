"""The shop's pricing service: quotes for carts (volume discounts, coupons), standard library only."""
