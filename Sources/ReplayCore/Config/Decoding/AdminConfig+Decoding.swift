extension AdminConfig {
    /// Reads `[admin]`; `webhooks` is the webhook listener, which the admin listener must not share.
    init(reading reader: ConfigTableReader, webhooks: WebhooksConfig?) {
        self.init()
        if let text = reader.string("listen") {
            switch ListenAddress.parse(text) {
            case .success(let address):
                if let webhooks, address.port != 0, address == webhooks.listen {
                    reader.reportInvalid(
                        "listen",
                        "is the webhook listener's address; metrics and health never go on the public webhook port, "
                            + "pick another port such as 127.0.0.1:9464"
                    )
                } else {
                    listen = address
                }
            case .failure(let problem): reader.reportInvalid("listen", "\(problem.message), got \(TOMLKey.quote(text))")
            }
        }
        reader.finish()
    }
}
