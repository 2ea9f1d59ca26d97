module cadenza.dev/bench/loadgen

go 1.26
