package chatwoot

// Version is this module's version. It is sent in the default User-Agent,
// so a server operator can tell which client and release made a request.
//
// "0.2.0-dev" is unreleased: the code after 0.1.0, with the breaking changes
// listed under CHANGELOG.md's newest heading, which names this version (a
// test checks it). A release sets Version to the release's number, without
// "-dev", in the commit that is tagged.
const Version = "0.2.0-dev"
