package main

import "crypto/tls"

// serverTLSConfig is the server's TLS: version 1.2 at least, and for 1.2
// only ECDHE key exchange with AEAD ciphers (forward secrecy; none of the
// CBC suites with their history of padding oracles and Lucky13). Every
// client Deskline supports speaks these (Go's own, browsers, OpenSSL 1.0.1
// and later); TLS 1.3's suites are all AEAD and not configurable.
func serverTLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, CipherSuites: tls12Suites}
}

// tls12Suites are the TLS 1.2 suites the server offers, in Go's order of
// preference (Go orders them itself, by the hardware's AES support).
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}
