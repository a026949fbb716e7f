// Drives `tengen gtp` through Sabaki's own GTP client library (@sabaki/gtp) the way Sabaki does:
// attach, sync games with ControllerStateTracker (undo, a branch switch, a handicap game, komi and
// board-size changes), engine moves through kata-genmove_analyze, and lz-/kata-analyze streams
// stopped with protocol_version. Every check is an assertion; the last stdout line is a JSON summary.
// Usage: node drive.js <python> -m tengen gtp [args...]
const assert = require('node:assert/strict')
const {Controller, ControllerStateTracker} = require('@sabaki/gtp')

const [command, ...args] = process.argv.slice(2)
const controller = new Controller(command, args)
const tracker = new ControllerStateTracker(controller)
const sent = []
let raw = ''
controller.on('command-sent', ({command}) => sent.push(command.name))
controller.on('started', () => controller.process.stdout.on('data', chunk => (raw += chunk)))
const summary = {}

const play = (color, vertex) => ({name: 'play', args: [color, vertex]})

const {parseAnalysisLine} = require('./analysis.js')

async function send(name, ...commandArgs) {
  const response = await controller.sendCommand({name, args: commandArgs})
  assert.equal(response.error, false, `${name} ${commandArgs.join(' ')} failed: ${response.content}`)
  return response.content
}

async function stones() {
  return {B: (await send('list_stones', 'B')).split(/\s+/).filter(Boolean).sort(),
          W: (await send('list_stones', 'W')).split(/\s+/).filter(Boolean).sort()}
}

async function syncAndCheck(state, expected) {
  sent.length = 0
  await tracker.sync(state)
  const commands = [...sent]
  assert.deepEqual(tracker.state.history, state.history)
  assert.deepEqual(await stones(), expected)
  return commands
}

// Stream an analysis command, stop it after `lines` snapshots with protocol_version, check it.
async function analyze(name, color, check) {
  let lines = []
  let stopped = false
  const rawBefore = raw.length
  const done = controller.sendCommand({name, args: [color, '10']}, ({line}) => {
    if (line.startsWith('info ')) lines.push(line)
    if (lines.length >= 3 && !stopped) {
      stopped = true
      controller.sendCommand({name: 'protocol_version'})
    }
  })
  const response = await done
  assert.equal(response.error, false)
  const version = await controller.sendCommand({name: 'protocol_version'})
  assert.equal(version.content, '2')
  assert.ok(lines.length >= 3, `${name} gave ${lines.length} info lines`)
  for (let line of lines) {
    const blocks = parseAnalysisLine(line)
    assert.ok(blocks.length > 0, `unparsable line: ${line}`)
    for (let info of blocks) {
      assert.match(info.move, /^([A-HJ-Z]\d+|pass)$/)
      assert.ok(+info.visits > 0, 'moves are listed with visits > 0')
      assert.ok(info.pv.length > 0, 'every block ends with its pv')
      check(info)
    }
  }
  const stream = raw.slice(rawBefore)
  assert.ok(!stream.includes('\n\n\n'), 'the stream closes with exactly one blank line')
  assert.match(stream, /^=\n(info [^\n]*\n)+\n/, 'header, info lines, one blank line')
  return lines
}

async function main() {
  controller.start()
  // attach, pipelined as Sabaki does
  const [name, version, protocol, list] = await Promise.all(
    ['name', 'version', 'protocol_version', 'list_commands'].map(n => controller.sendCommand({name: n}))
  )
  assert.equal(name.content, 'Tengen')
  assert.ok(version.content.length > 0)
  assert.equal(protocol.content, '2')
  const commands = list.content.split('\n')
  for (let c of ['lz-analyze', 'kata-analyze', 'kata-genmove_analyze', 'lz-genmove_analyze', 'undo', 'set_free_handicap'])
    assert.ok(commands.includes(c), `list_commands lacks ${c}`)
  for (let c of ['analyze', 'genmove_analyze']) assert.ok(!commands.includes(c), `must not list ${c}`)
  assert.ok(commands.every(c => c === c.trim() && c.length > 0), 'exact names, no stray spaces')

  // a game synced from scratch
  let history = [play('B', 'E5'), play('W', 'C3'), play('B', 'G7'), play('W', 'D4')]
  let first = await syncAndCheck({komi: 6.5, boardsize: [9, 9], history}, {B: ['E5', 'G7'], W: ['C3', 'D4']})
  assert.deepEqual(first, ['komi', 'boardsize', 'clear_board', 'play', 'play', 'play', 'play', 'list_commands'].filter(c => first.includes(c)))
  // stepping back one move: an undo, no replay
  let back = await syncAndCheck({komi: 6.5, boardsize: [9, 9], history: history.slice(0, 3)}, {B: ['E5', 'G7'], W: ['C3']})
  assert.deepEqual(back, ['undo'])
  // switching to another branch: undo to the shared prefix, then the new moves
  let branch = [play('B', 'E5'), play('W', 'C3'), play('B', 'C7'), play('W', 'G3')]
  let switched = await syncAndCheck({komi: 6.5, boardsize: [9, 9], history: branch}, {B: ['C7', 'E5'], W: ['C3', 'G3']})
  assert.deepEqual(switched, ['undo', 'play', 'play'])
  // a handicap game
  let handicap = [{name: 'set_free_handicap', args: ['C3', 'G7']}, play('W', 'E5')]
  let hc = await syncAndCheck({komi: 0.5, boardsize: [9, 9], history: handicap}, {B: ['C3', 'G7'], W: ['E5']})
  assert.ok(hc.includes('set_free_handicap') && hc.includes('komi'))
  // komi and board size change
  let big = await syncAndCheck({komi: 7.5, boardsize: [13, 13], history: [play('B', 'D4'), play('W', 'K10')]},
    {B: ['D4'], W: ['K10']})
  assert.ok(big.includes('boardsize') && big.includes('komi'))

  // an engine move through kata-genmove_analyze, recorded by the tracker like Sabaki's
  let infoLines = 0
  const gm = await controller.sendCommand({name: 'kata-genmove_analyze', args: ['B', '10']}, ({line}) => {
    if (line.startsWith('info ')) infoLines++
  })
  assert.equal(gm.error, false)
  const moveLine = gm.content.split('\n').find(l => l.startsWith('play '))
  assert.ok(moveLine, 'kata-genmove_analyze gives a play line')
  const engineMove = moveLine.slice(5).trim()
  await new Promise(resolve => setTimeout(resolve, 50))
  assert.deepEqual(tracker.state.history.at(-1), play('B', engineMove))
  assert.ok((await stones()).B.includes(engineMove))
  summary.genmove_analyze = {move: engineMove, infoLines}

  // analysis from the side to move's view: a huge komi makes Black lose and White win
  await syncAndCheck({komi: 60.5, boardsize: [9, 9], history: []}, {B: [], W: []})
  // the verdict is read from the last report: the first ones may come after a handful of visits
  const best = {lz: [], kataB: [], kataW: []}
  const lz = await analyze('lz-analyze', 'B', info => {
    assert.ok(/^\d+$/.test(info.winrate) && +info.winrate >= 0 && +info.winrate <= 10000)
    if (info.order === '0') best.lz.push(+info.winrate)
  })
  assert.ok(best.lz[best.lz.length - 1] < 2000, `Black should be losing, winrate ${best.lz}`)
  const kataB = await analyze('kata-analyze', 'B', info => {
    assert.ok(info.winrate.includes('.') && +info.winrate >= 0 && +info.winrate <= 1)
    if (info.order === '0') best.kataB.push(+info.winrate)
  })
  assert.ok(best.kataB[best.kataB.length - 1] < 0.2, `Black should be losing: ${best.kataB}`)
  const kataW = await analyze('kata-analyze', 'W', info => {
    if (info.order === '0') best.kataW.push(+info.winrate)
  })
  assert.ok(best.kataW[best.kataW.length - 1] > 0.8, `White should win: ${best.kataW}`)
  summary.analysis_lines = {lz: lz.length, kataB: kataB.length, kataW: kataW.length}

  await controller.stop()
  summary.ok = true
  console.log(JSON.stringify(summary))
}

main().catch(error => {
  console.error(error)
  controller.kill()
  process.exit(1)
})
