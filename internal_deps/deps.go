package internal_deps

import (
	_ "github.com/emersion/go-vcard"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/zalando/go-keyring"
)
