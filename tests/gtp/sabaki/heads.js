// kata-analyze with a network that has score and ownership heads, read through Sabaki's GTP client
// library and Sabaki's analysis-line parsing: every block carries scoreMean, scoreStdev and
// scoreLead as numbers, and the ownership after the last block has one value per point.
// Usage: node heads.js SIZE <python> -m tengen gtp [args...]; the last stdout line is a JSON summary.
const assert = require('node:assert/strict')
const {Controller} = require('@sabaki/gtp')

const [size, command, ...args] = process.argv.slice(2)
const controller = new Controller(command, args)

const {parseAnalysisLine} = require('./analysis.js')

async function main() {
  controller.start()
  assert.equal((await controller.sendCommand({name: 'boardsize', args: [size]})).error, false)
  const lines = []
  let stopped = false
  const response = await controller.sendCommand({name: 'kata-analyze', args: ['B', '10', 'ownership', 'true']},
    ({line}) => {
      if (line.startsWith('info ')) lines.push(line)
      if (lines.length >= 3 && !stopped) {
        stopped = true
        controller.sendCommand({name: 'protocol_version'})
      }
    })
  assert.equal(response.error, false)
  let blocks = 0
  for (const line of lines) {
    const [analysis, ownership] = line.split(' ownership ')
    for (const info of parseAnalysisLine(analysis)) {
      for (const key of ['scoreMean', 'scoreStdev', 'scoreLead', 'winrate', 'visits'])
        assert.ok(Number.isFinite(+info[key]), `${key} is not a number in: ${line.slice(0, 200)}`)
      assert.ok(+info.scoreStdev >= 0 && info.pv.length > 0)
      blocks++
    }
    const values = ownership.trim().split(/\s+/).map(Number)
    assert.equal(values.length, size * size)
    assert.ok(values.every(v => v >= -1 && v <= 1))
  }
  await controller.stop()
  console.log(JSON.stringify({ok: true, lines: lines.length, blocks}))
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
