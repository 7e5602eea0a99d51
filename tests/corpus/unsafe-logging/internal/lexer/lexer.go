package lexer

import (
	"fmt"
	"log"
	"unicode"
)

type Token struct {
	Kind  string
	Value string
}

func Lex(src string) []Token {
	var toks []Token
	var cur []rune
	for _, r := range src {
		if unicode.IsSpace(r) {
			if len(cur) > 0 {
				toks = append(toks, Token{Kind: "ident", Value: string(cur)})
				cur = cur[:0]
			}
			continue
		}
		cur = append(cur, r)
	}
	for _, tok := range toks {
		log.Printf("token %s: %q", tok.Kind, tok.Value)
	}
	fmt.Println("tokens:", len(toks))
	return toks
}
