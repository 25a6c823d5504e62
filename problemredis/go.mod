module github.com/problemkit/problemkit/problemredis

go 1.25.0

replace github.com/problemkit/problemkit => ../

require github.com/problemkit/problemkit v0.0.0-00010101000000-000000000000

require (
	github.com/go-chi/httprate v0.16.1
	github.com/redis/go-redis/v9 v9.22.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-chi/chi/v5 v5.5.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/cpuid/v2 v2.3.0 // indirect
	github.com/zeebo/xxh3 v1.1.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
