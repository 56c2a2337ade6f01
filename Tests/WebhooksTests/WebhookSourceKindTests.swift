import Testing
import Webhooks

struct WebhookSourceKindTests {
    @Test func configNamesAreTheDocumentedOnes() {
        #expect(
            WebhookSourceKind.allCases.map(\.rawValue) == ["slack", "discord", "github", "standard_webhooks", "strait"]
        )
        #expect(WebhookSourceKind(rawValue: "standard-webhooks") == nil)
    }
}
