"""How articles get into the store: import files now, feeds and pages as sources.

Every reader turns its input into `ArticleDraft`s plus named rejections; `ArticleService` stores
them. Readers never touch the store, so the same parser serves `import`, `fetch` and the jobs.
"""
