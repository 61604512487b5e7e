module github.com/deskline/deskline

go 1.26.0

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/gorilla/websocket v1.5.3
	golang.org/x/crypto v0.59.0
)
