/// What the kernel tells Jupyter about itself and the language (kernel_info_reply).
enum KernelInfo {
    static let language = "fdfa"

    static let content: JSON = [
        "status": "ok",
        "protocol_version": Message.protocolVersion,
        "implementation": "fdfa",
        "implementation_version": "1.0",
        "debugger": false,
        "language_info": [
            "name": language,
            "version": "1.0",
            "mimetype": "text/x-fdfa",
            "file_extension": ".fdfa",
            // The closest highlighting Jupyter has built in: comments with #, strings in double quotes.
            "pygments_lexer": "python",
            "codemirror_mode": "python",
        ] as JSON,
        "banner": "fdfa: a workbench for Forward Direct Feedback Alignment. Type help for the built-ins, help \"syntax\" for the language.",
    ]
}
