// Package storetest checks an [idempotency.Store], the way testing/slogtest
// checks slog handlers: [Run] serves every outcome of the Idempotency-Key
// draft through the real pipeline ([problemhttp.New]) and the middleware
// ([idempotency.New]) over the store, and checks the store's own contract
// (one claim wins, tokens, expiry), each case a named subtest. A [Harness]
// tells Run how to make an empty store and how to make its records expire.
//
// The library runs it over its [idempotency.MemoryStore] and over
// [github.com/problemkit/problemkit/problemredis.Store]; run it over yours:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New:    func(t *testing.T) idempotency.Store { return newStore(t) },
//			Expire: func(t *testing.T, s idempotency.Store) { s.(*myStore).expireAll() },
//		})
//	}
package storetest
