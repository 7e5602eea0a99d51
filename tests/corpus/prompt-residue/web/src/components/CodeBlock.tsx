import { useState } from "react";

type Props = { code: string; lang?: string };

export function CodeBlock({ code, lang = "text" }: Props) {
  const [copied, setCopied] = useState(false);
  const markdown = `\`\`\`${lang}\n${code}\n\`\`\``;

  async function copy() {
    await navigator.clipboard.writeText(code);
    setCopied(true);
  }

  return (
    <div className="code-block">
      <button onClick={copy} aria-label="Copy code">
        Copy code
      </button>
      <pre data-lang={lang} data-markdown={markdown}>
        {code}
      </pre>
      {copied && <span role="status">Copied!</span>}
      {/* other props are passed through by the parent */}
    </div>
  );
}
