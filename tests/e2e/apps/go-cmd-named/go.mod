module example.com/shopd

go 1.25
