module example.com/e2e/gocgo

go 1.26
