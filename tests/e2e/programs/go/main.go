// A Go program (CGO_ENABLED=0: static, Go's own runtime and threads),
// run natively and under kiln run, which must print the same lines and
// exit with the same status: workers on goroutines counting the words
// of a file from a volume through channels, a timer, a map, sorted
// output, then exit status 3.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

type count struct {
	word string
	n    int
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goprogram FILE")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")

	// Four workers take lines from one channel and send back counts.
	jobs := make(chan string)
	results := make(chan count)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for line := range jobs {
				time.Sleep(time.Duration(w) * time.Millisecond)
				for _, word := range strings.Fields(line) {
					results <- count{strings.ToLower(word), 1}
				}
			}
		}(w)
	}
	go func() {
		for _, line := range lines {
			jobs <- line
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	counts := map[string]int{}
	for r := range results {
		counts[r.word] += r.n
	}

	// A short timer raced against a long one: the short one fires first.
	start := time.Now()
	select {
	case <-time.After(20 * time.Millisecond):
		fmt.Println("timer: the 20 ms one fired first")
	case <-time.After(30 * time.Second):
		fmt.Println("timer: the 30 s one fired first")
	}
	slept := time.Since(start)
	fmt.Printf("slept at least 20 ms: %v\n", slept >= 20*time.Millisecond)

	words := make([]string, 0, len(counts))
	for word := range counts {
		words = append(words, word)
	}
	sort.Strings(words)
	fmt.Printf("%d lines, %d distinct words\n", len(lines), len(words))
	for _, word := range words {
		fmt.Printf("%s %d\n", word, counts[word])
	}
	os.Exit(3)
}
