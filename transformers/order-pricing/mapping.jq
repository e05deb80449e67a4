({"A-1": 250, "B-2": 1000}[.sku] // 500) as $unit
| { sku: .sku, quantity: .quantity, unitPriceCents: $unit, totalCents: ($unit * .quantity) }
