-- Neovim 0.7 (Debian bookworm) as an independent LSP client of the pgsafe server, run headless by
-- nvim.test.ts:  nvim --headless --clean -u NONE -c 'luafile nvim-lsp.lua'
-- Inputs (env): PGSAFE_NODE, PGSAFE_SERVER (dist/server.js), PGSAFE_FILE (the migration),
-- PGSAFE_RESULTS (JSON written at the end: { ok, steps = { {name, ms, detail} }, error, diagnostics }).
-- Neovim 0.7 has no vim.lsp.start; it has start_client, buf_request_sync and vim.diagnostic.
local node, server, file, results = os.getenv('PGSAFE_NODE'), os.getenv('PGSAFE_SERVER'), os.getenv('PGSAFE_FILE'), os.getenv('PGSAFE_RESULTS')
local INDEX_RULE, COLUMN_RULE = 'require-concurrent-index-creation', 'add-column-not-null-without-default'
local t0 = vim.loop.hrtime()
local steps = {}
local bufnr, client_id

local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end
local function step(name, detail) table.insert(steps, { name = name, ms = ms(), detail = detail }) end
local function code_of(d) return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) end
local function diags_with(code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do if code_of(d) == code then table.insert(out, d) end end
  return out
end
-- The buffer's diagnostics as "line:col code" (full = with source and message).
local function summary(full)
  local out = {}
  if not bufnr then return out end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local s = string.format('%d:%d %s', d.lnum, d.col, tostring(code_of(d)))
    if full then s = s .. string.format(' [%s] %s', tostring(d.source), d.message) end
    table.insert(out, s)
  end
  return out
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'sql'
  client_id = vim.lsp.start_client({
    name = 'pgsafe',
    cmd = { node, server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    init_options = { settings = {} },
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')

  -- 1. pushed diagnostics: both rules, on the right lines, from source pgsafe with a docs link
  vim.wait(15000, function()
    return vim.lsp.get_client_by_id(client_id) == nil or (#diags_with(INDEX_RULE) > 0 and #diags_with(COLUMN_RULE) > 0)
  end, 20)
  assert(vim.lsp.get_client_by_id(client_id), 'the server exited (see lsp.log)')
  assert(#diags_with(INDEX_RULE) > 0 and #diags_with(COLUMN_RULE) > 0,
    'diagnostics ' .. COLUMN_RULE .. ' and ' .. INDEX_RULE .. ' did not both arrive within 15 s')
  local col, idx = diags_with(COLUMN_RULE)[1], diags_with(INDEX_RULE)[1]
  assert(col.lnum == 0, COLUMN_RULE .. ' expected on line 0, got ' .. col.lnum)
  assert(idx.lnum == 1, INDEX_RULE .. ' expected on line 1, got ' .. idx.lnum)
  assert(idx.source == 'pgsafe', 'source is ' .. tostring(idx.source))
  local href = idx.user_data and idx.user_data.lsp and idx.user_data.lsp.codeDescription and idx.user_data.lsp.codeDescription.href
  assert(type(href) == 'string' and href:find(INDEX_RULE, 1, true), 'codeDescription.href missing or without the rule id: ' .. tostring(href))
  step('diagnostics', table.concat(summary(), ' | '))

  -- 2. code actions on the CREATE INDEX line
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 1, character = 0 }, ['end'] = { line = 1, character = 0 } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, 1) },
  }
  local res = assert(vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000), 'textDocument/codeAction timed out')
  assert(res[client_id] and not res[client_id].err, 'textDocument/codeAction error: ' .. vim.inspect(res))
  local actions = res[client_id].result or {}
  local titles, action = {}, nil
  for _, a in ipairs(actions) do
    table.insert(titles, a.title .. ' (' .. tostring(a.kind) .. ')')
    if a.title == 'Ignore ' .. INDEX_RULE .. ' for this statement' then action = a end
  end
  assert(action, 'no "Ignore ' .. INDEX_RULE .. ' for this statement" action; got: ' .. vim.inspect(titles))
  assert(action.kind == 'quickfix', 'kind is ' .. tostring(action.kind))
  step('codeAction', table.concat(titles, ' | '))

  -- 3. resolve it ourselves (0.7 does not) and apply the edit
  if not action.edit then
    local r = assert(vim.lsp.buf_request_sync(bufnr, 'codeAction/resolve', action, 10000), 'codeAction/resolve timed out')
    assert(r[client_id] and not r[client_id].err, 'codeAction/resolve error: ' .. vim.inspect(r))
    action = r[client_id].result
    assert(action and action.edit, 'resolved action has no edit: ' .. vim.inspect(action))
    step('codeAction/resolve', 'resolved lazily')
  else
    step('codeAction/resolve', 'edit came with the action')
  end
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local at
  for i, l in ipairs(lines) do if l:find('CREATE INDEX users_x_idx', 1, true) then at = i end end
  assert(at and at >= 2, 'CREATE INDEX line not found after the edit: ' .. vim.inspect(lines))
  local above = lines[at - 1]
  assert(above:match('^%s*%-%- pgsafe%-ignore ' .. INDEX_RULE:gsub('%-', '%%-')),
    'expected "-- pgsafe-ignore ' .. INDEX_RULE .. '" above the statement, buffer is: ' .. vim.inspect(lines))
  step('applied', table.concat(lines, ' / '))

  -- 4. the diagnostic goes away after didChange; the other stays
  assert(vim.wait(10000, function() return #diags_with(INDEX_RULE) == 0 end, 20), INDEX_RULE .. ' still reported 10 s after the ignore comment')
  assert(#diags_with(COLUMN_RULE) == 1, COLUMN_RULE .. ' should still be reported')
  step('cleared', table.concat(summary(), ' | '))

  -- 5. settings through workspace/didChangeConfiguration (as any client sends them)
  vim.lsp.get_client_by_id(client_id).notify('workspace/didChangeConfiguration',
    { settings = { pgsafe = { rules = { [COLUMN_RULE] = 'off' } } } })
  assert(vim.wait(10000, function() return #diags_with(COLUMN_RULE) == 0 end, 20), COLUMN_RULE .. ' still reported after turning it off in settings')
  step('didChangeConfiguration', table.concat(summary(), ' | '))

  vim.lsp.stop_client(client_id)
end)

local f = assert(io.open(results, 'w'))
f:write(vim.fn.json_encode({ ok = ok, error = ok and vim.NIL or tostring(err), steps = steps, diagnostics = summary(true), ms = ms() }))
f:close()
if ok then vim.cmd('qa!') else vim.cmd('cq 1') end
