import Testing
import Webhooks

struct WebhookDeliveryTests {
    private let delivery = WebhookDelivery(
        headers: [
            ("Content-Type", "application/json"),
            ("X-Custom", "first"),
            ("x-custom", "second"),
            ("X-CUSTOM", "third"),
        ],
        body: Array("{}".utf8)
    )

    @Test func headerLookupIgnoresCaseAndReturnsTheFirstValue() {
        #expect(delivery.header("x-custom") == "first")
        #expect(delivery.header("CONTENT-TYPE") == "application/json")
        #expect(delivery.header("X-Missing") == nil)
        #expect(delivery.header("X-Custo") == nil)
    }

    @Test func everyValueOfANameComesBackInArrivalOrder() {
        #expect(delivery.headers(named: "X-Custom") == ["first", "second", "third"])
        #expect(delivery.headers(named: "x-missing").isEmpty)
    }

    @Test func caseFoldingIsASCIIOnly() {
        let unicode = WebhookDelivery(headers: [("X-\u{130}", "dotted")], body: [])
        #expect(unicode.header("x-i") == nil)
        #expect(unicode.header("x-\u{130}") == "dotted")
    }
}
