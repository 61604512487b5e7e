package keyringtest

import "time"

// The parent test starts its child process with these variables set.
const (
	envChild  = "DESKLINE_KEYRINGTEST_CHILD" // the scenario the child checks
	envWant   = "DESKLINE_KEYRINGTEST_WANT"  // what a NoKeyringError must say
	envRun    = "DESKLINE_KEYRINGTEST_RUN"   // marks every process of one run
	envUnlock = "DESKLINE_KEYRINGTEST_UNLOCK"
)

// sessionTimeout bounds one child session, daemons included.
const sessionTimeout = 60 * time.Second

const (
	testServer = "wss://keyringtest.invalid:8443/v1/ws"
	testToken  = "dkt_keyringtest-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
)
