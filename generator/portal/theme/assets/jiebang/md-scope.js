/* mkdocs-material's head script (partials/javascripts/base.html), served as a file so that the
   Content-Security-Policy allows no inline script. The site's root is two folders above this
   file (assets/jiebang/), on every page and at any base path, 404.html included. */
__md_scope=new URL("../..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
