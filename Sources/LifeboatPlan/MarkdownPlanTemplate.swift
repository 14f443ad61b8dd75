/// The Markdown plan, as a mustache template. `{{ }}` escapes for Markdown (see `MarkdownText`);
/// `{{{ }}}` is used only inside code fences, which print their text as it is.
enum MarkdownPlanTemplate {
    static let text = """
        {{% CONTENT_TYPE: MARKDOWN}}
        # {{title}}

        Describes: {{subject}}  
        Generated at: {{generatedAt}}

        Keep a printed copy of this plan in a safe, and a copy off every host it describes.
        {{#hasWarnings}}

        ## Warnings

        {{#warnings}}
        - {{.}}
        {{/warnings}}
        {{/hasWarnings}}

        ## Services and objectives

        | Service | Scenario | RPO | RTO | Priority | Newest backup (measured) | Last drill (measured) | Restore time vs RTO (measured) |
        |---|---|---|---|---|---|---|---|
        {{#services}}
        | {{name}} | {{scenario}} | {{rpo}} | {{rto}} | {{priority}} | {{newestBackup}} | {{lastDrill}} | {{restoreTime}} |
        {{/services}}
        {{^hasServices}}

        No policy is configured: there is nothing to recover.
        {{/hasServices}}

        ## Resources and recovery

        | Resource | Backup strategy | Backup location | Recovery procedure | Failure domains holding copies (measured) |
        |---|---|---|---|---|
        {{#resources}}
        | {{name}} | {{strategy}} | {{location}} | {{procedure}} | {{copies}} |
        {{/resources}}

        ## Recovery commands
        {{#procedures}}

        ### {{name}} ({{kind}})
        {{#hasLifeboat}}

        With Lifeboat:

        {{{fence}}}sh
        {{{lifeboat}}}
        {{{fence}}}
        {{/hasLifeboat}}
        {{#hasStock}}

        With stock tools only:

        {{{fence}}}sh
        {{{stock}}}
        {{{fence}}}
        {{/hasStock}}

        {{#notes}}
        - {{.}}
        {{/notes}}
        {{/procedures}}

        ## Key custody
        {{#hasKeys}}

        | Key | Held as | Fingerprint |
        |---|---|---|
        {{#keys}}
        | {{role}} | {{label}} | {{fingerprint}} |
        {{/keys}}
        {{/hasKeys}}

        {{#custody}}
        - {{.}}
        {{/custody}}

        """
}
