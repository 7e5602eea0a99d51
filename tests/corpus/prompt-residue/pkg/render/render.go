package render

import (
	"bytes"
	"html/template"
)

// [INST] make this template safe for user input
var page = template.Must(template.New("page").Parse(`<h1>{{.Title}}</h1><p>{{.Body}}</p>`))

type Page struct {
	Title string
	Body  string
}

// Render renders a page with auto-escaping.
func Render(p Page) (string, error) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, p); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// MustRender panics on error; for templates known at compile time.
func MustRender(p Page) string {
	s, err := Render(p)
	if err != nil {
		panic(err)
	}
	return s
}

### Explanation
