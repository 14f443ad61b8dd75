/// The HTML plan, as a mustache template: one page with its style inline and nothing fetched (no
/// scripts, fonts or images), laid out to print on paper in black and white. Every `{{ }}` is HTML-escaped.
enum HTMLPlanTemplate {
    static let text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        body { font-family: Georgia, "Times New Roman", serif; color: #000; background: #fff; margin: 2em auto; max-width: 75em; padding: 0 1em; line-height: 1.35; }
        h1 { font-size: 1.6em; border-bottom: 2px solid #000; padding-bottom: .2em; }
        h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #000; }
        h3 { font-size: 1.05em; margin-top: 1.2em; }
        table { border-collapse: collapse; width: 100%; margin: .6em 0; font-size: .9em; }
        th, td { border: 1px solid #000; padding: .3em .45em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
        td.long { overflow-wrap: anywhere; }
        th { background: #e8e8e8; font-weight: bold; }
        th.measured, td.measured { border-left: 3px double #000; font-style: italic; }
        pre { border: 1px solid #000; padding: .5em; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85em; font-family: "DejaVu Sans Mono", "Courier New", monospace; }
        code { font-family: "DejaVu Sans Mono", "Courier New", monospace; }
        .meta { font-size: .95em; }
        .warning { border: 2px solid #000; padding: .4em .6em; }
        .legend { font-size: .85em; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          h1, h2, h3 { page-break-after: avoid; break-after: avoid; }
          tr, pre, .procedure { page-break-inside: avoid; break-inside: avoid; }
          thead { display: table-header-group; }
          th { background: none; }
          a { color: #000; text-decoration: none; }
        }
        </style>
        </head>
        <body>
        <h1>{{title}}</h1>
        <p class="meta">Describes: <strong>{{subject}}</strong><br>Generated at: <time>{{generatedAt}}</time></p>
        <p>Keep a printed copy of this plan in a safe, and a copy off every host it describes.</p>
        {{#hasWarnings}}
        <div class="warning"><h2>Warnings</h2><ul>
        {{#warnings}}
        <li>{{.}}</li>
        {{/warnings}}
        </ul></div>
        {{/hasWarnings}}
        <h2>Services and objectives</h2>
        <p class="legend">Columns in italics, right of the double rule, are measured; the others are the objectives.</p>
        <table id="services">
        <thead><tr><th>Service</th><th>Scenario</th><th>RPO</th><th>RTO</th><th>Priority</th><th class="measured">Newest backup</th><th class="measured">Last drill</th><th class="measured">Restore time vs RTO</th></tr></thead>
        <tbody>
        {{#services}}
        <tr><td>{{name}}</td><td>{{scenario}}</td><td>{{rpo}}</td><td>{{rto}}</td><td>{{priority}}</td><td class="measured">{{newestBackup}}</td><td class="measured">{{lastDrill}}</td><td class="measured">{{restoreTime}}</td></tr>
        {{/services}}
        </tbody>
        </table>
        {{^hasServices}}
        <p>No policy is configured: there is nothing to recover.</p>
        {{/hasServices}}
        <h2>Resources and recovery</h2>
        <table id="resources">
        <thead><tr><th>Resource</th><th>Backup strategy</th><th>Backup location</th><th>Recovery procedure</th><th class="measured">Failure domains holding copies</th></tr></thead>
        <tbody>
        {{#resources}}
        <tr><td>{{name}}</td><td class="long">{{strategy}}</td><td class="long">{{location}}</td><td>{{procedure}}</td><td class="measured">{{copies}}</td></tr>
        {{/resources}}
        </tbody>
        </table>
        <h2>Recovery commands</h2>
        {{#procedures}}
        <section class="procedure">
        <h3>{{name}} ({{kind}})</h3>
        {{#hasLifeboat}}
        <p>With Lifeboat:</p>
        <pre><code>{{lifeboat}}</code></pre>
        {{/hasLifeboat}}
        {{#hasStock}}
        <p>With stock tools only:</p>
        <pre><code>{{stock}}</code></pre>
        {{/hasStock}}
        <ul>
        {{#notes}}
        <li>{{.}}</li>
        {{/notes}}
        </ul>
        </section>
        {{/procedures}}
        <h2>Key custody</h2>
        {{#hasKeys}}
        <table id="keys">
        <thead><tr><th>Key</th><th>Held as</th><th>Fingerprint</th></tr></thead>
        <tbody>
        {{#keys}}
        <tr><td>{{role}}</td><td>{{label}}</td><td><code>{{fingerprint}}</code></td></tr>
        {{/keys}}
        </tbody>
        </table>
        {{/hasKeys}}
        <ul>
        {{#custody}}
        <li>{{.}}</li>
        {{/custody}}
        </ul>
        </body>
        </html>

        """
}
