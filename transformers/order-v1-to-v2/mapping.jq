{
  version: 2,
  orderId: .id,
  customer: { name: .customerName, email: .customerEmail },
  lines: [ (.items // [])[] | { sku: .sku, quantity: .qty, unitPriceCents: ((.price * 100) | round) } ],
  totalCents: (((([ (.items // [])[] | .price * .qty ] | add) // 0) * 100) | round)
}
