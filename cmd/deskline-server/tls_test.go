package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/deskline/deskline/server/config"
)

// Over TLS 1.2 the server offers only AEAD suites: a client that offers
// nothing but CBC suites is refused; a client with Go's defaults gets an
// AEAD suite.
func TestTLS12OnlyAEAD(t *testing.T) {
	cfg := config.Demo()
	cfg.TLS.Cert, cfg.TLS.Key = writeTestCert(t, t.TempDir())
	addr := startServe(t, cfg)
	cbc := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	}}
	if c, err := tls.Dial("tcp", addr, cbc); err == nil {
		suite := tls.CipherSuiteName(c.ConnectionState().CipherSuite)
		c.Close()
		t.Fatalf("TLS 1.2 with CBC suites only: handshake succeeded with %s", suite)
	}
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("TLS 1.2 with Go's default suites: %v", err)
	}
	defer c.Close()
	if s := c.ConnectionState().CipherSuite; !slices.Contains(tls12Suites, s) {
		t.Fatalf("TLS 1.2 negotiated %s, not one of the AEAD suites", tls.CipherSuiteName(s))
	}
}

// writeTestCert writes a self-signed ECDSA certificate for localhost and
// its key into dir.
func writeTestCert(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "deskline test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	for path, b := range map[string]*pem.Block{cert: {Type: "CERTIFICATE", Bytes: der}, key: {Type: "EC PRIVATE KEY", Bytes: kder}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return cert, key
}
