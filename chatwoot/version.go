package chatwoot

// Version is this module's version. It is sent in the default User-Agent,
// so a server operator can tell which client and release made a request.
const Version = "0.1.0"
